"""Shared test harness: a real server process, users, demo data."""
from .server_process import ServerProcess, create_user, run_cli, run_demo, start_server

__all__ = ["ServerProcess", "create_user", "run_cli", "run_demo", "start_server"]
