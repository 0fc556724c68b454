// sysrec-test: -X verbose -e trace=mmap,munmap,openat,socket,fcntl,kill,access
/* -X verbose: every named constant as its number with the name in a comment: flag sets
 * (`0x3 /* PROT_READ|PROT_WRITE *\/`), the whole of a composite (mmap's type and flags, open's
 * access mode and flags), AT_FDCWD (`-100 /* AT_FDCWD *\/`), a socket's type apart from its
 * flags, signals in decimal; numbers without a name stay as they are. The calls: const_styles.h. */
#define XLAT_VERBOSE
#include "const_styles.h"
