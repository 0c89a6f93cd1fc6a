"""Queries that several namespaces share (the storage floor).

Each module answers one question from the tables in :mod:`rbp._schema` and returns
compact rows or records; none knows a namespace.
"""
