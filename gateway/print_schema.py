"""`python -m gateway.print_schema`: the gateway's schema as SDL (committed as gateway/schema.graphql,
which is the national one: TMIS_PLUGINS empty). With TMIS_PLUGINS set, the deployment's schema."""

import os

from gateway.schema import build_schema
from tmis.plugins import build_registry, make_plugin_manager

if __name__ == "__main__":
    print(build_schema(build_registry(make_plugin_manager(os.environ.get("TMIS_PLUGINS", "")))).as_str())
