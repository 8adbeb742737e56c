"""The unit tier: domain classes with in-memory fakes of their ports. No process, no database,
no network; it uses none of the suite's fixtures (`tests/conftest.py`)."""
