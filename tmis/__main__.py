"""`python -m tmis` (what `make run` runs): the supervisor of the whole suite.
`python -m tmis backup DIR` / `python -m tmis restore DIR [--replace]`: see tmis/run/backup_cli.py."""

import os
import sys

# The supervisor forks children while gRPC threads run; it uses gRPC only as a client.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "0")

if sys.argv[1:2] in (["backup"], ["restore"]):
    from tmis.run.backup_cli import main as backup_main

    backup_main(sys.argv[1:])
else:
    from tmis.run.supervisor import main

    main()
