from sysrec.cli import main

raise SystemExit(main())
