from services.identity.server import create_server
from tmis.rpc import run_service

run_service("identity", create_server)
