"""The Teacher type of the schema being built (set by `build_schema`), for the static types that
refer to it lazily (Account.teacher)."""

Teacher: type | None = None
