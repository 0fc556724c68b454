// sysrec-test: -X raw -e trace=mmap,munmap,openat,socket,fcntl,kill,access
/* -X raw: every named constant as its number: flag sets and composites in hex (`0x22`,
 * `0x80401`), AT_FDCWD as -100, a socket's type apart from its flags (`0x2|0x800`), signals in
 * decimal. The calls and both styles' lines: const_styles.h. */
#include "const_styles.h"
