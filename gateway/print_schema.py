"""`python -m gateway.print_schema`: the gateway's schema as SDL (committed as gateway/schema.graphql)."""
from gateway.schema import build_schema

if __name__ == "__main__":
    print(build_schema().as_str())
