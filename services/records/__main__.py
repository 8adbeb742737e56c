from services.records.server import create_server
from tmis.rpc import run_service

run_service("records", create_server)
