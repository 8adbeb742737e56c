"""Helpers shared by the test modules (no test module imports from another): the suite and its
org worlds (`suite`, `world`), GraphQL documents (`gql`), records and review steps, workbooks
(`excel`), images (`images`), and `eventually()` for waiting on a state."""
