"""The Teacher type of the schema being built (set by `teacher_schema`), for the static types that
refer to it lazily (Account.teacher)."""
Teacher: type | None = None
