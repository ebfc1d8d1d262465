"""Events: CloudEvents envelopes, written through a transactional outbox, relayed to Kafka, consumed once."""
