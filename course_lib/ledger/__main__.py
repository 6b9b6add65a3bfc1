"""``python -m course_lib.ledger``: write or check CLAIMS.md (see :mod:`.claims_md`)."""

from course_lib.ledger.claims_md import main

raise SystemExit(main())
