"""`python -m tests.pg_database URL`: drop and create the PostgreSQL database URL names."""

import asyncio
import sys

from tests.conftest import recreate_postgres_database

if __name__ == "__main__":
    asyncio.run(recreate_postgres_database(sys.argv[1]))
