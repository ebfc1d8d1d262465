pytest_plugins = ["linli_shared.testing", "linli_identity.testing"]
