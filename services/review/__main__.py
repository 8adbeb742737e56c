from services.review.server import create_server
from tmis.rpc import run_service

run_service("review", create_server)
