"""The launcher: what `python -m tmis` runs, and nothing any service or the gateway imports.

- `supervisor`: starts the embedded database, the services and the gateway, and keeps them;
- `embedded_db`, `procs`: the embedded database process, child processes and free ports;
- `bootstrap`, `demo`: the first start (admin account, demo data);
- `backup`, `backup_cli`: `python -m tmis backup DIR` / `python -m tmis restore DIR`;
- `protogen`: `make protos`.
"""
