pytest_plugins = ["linli_shared.testing"]
