"""Kafka supervisors: spec, consumption loop, exactly-once micro-batches, Druid shapes."""
