"""Root conftest: load the shared test fixtures (vroeg_devtools.pytest_plugin) for every test tree."""

pytest_plugins = ["vroeg_devtools.pytest_plugin"]
