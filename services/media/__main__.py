from services.media.server import create_server
from tmis.rpc import run_service

run_service("media", create_server)
