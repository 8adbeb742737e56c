"""`python -m tmis` (what `make run` runs): the supervisor of the whole suite."""
import os

# The supervisor forks children while gRPC threads run; it uses gRPC only as a client.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "0")

from tmis.supervisor import main  # noqa: E402

main()
