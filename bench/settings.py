"""The project's settings, plus one bare authenticated view to compare against."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
