"""The Kafka clients' credentials: none for the embedded broker, SCRAM (over TLS when asked)
for a cluster, and a start refused when SCRAM is asked for without its user or password."""

from __future__ import annotations

import ssl
from typing import Any

import pytest
from faststream.security import SASLScram256, SASLScram512

from mauzo_common.kafka_security import (
    KafkaSecurityIncomplete,
    aiokafka_options,
    faststream_security,
)
from mauzo_common.settings import MauzoSettings


def settings(**values: Any) -> MauzoSettings:
    return MauzoSettings(**values)


def test_the_embedded_broker_gets_no_credentials() -> None:
    assert aiokafka_options(settings()) == {}
    assert faststream_security(settings()) is None


def test_scram_over_tls_for_a_cluster() -> None:
    cluster = settings(
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="mauzo-upload",
        kafka_sasl_password="s3cret",
        kafka_tls=True,
    )
    options = aiokafka_options(cluster)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "mauzo-upload",
        "s3cret",
    )
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert isinstance(faststream_security(cluster), SASLScram512)


def test_scram_without_tls_and_tls_without_scram() -> None:
    plain = settings(
        kafka_sasl_mechanism="SCRAM-SHA-256", kafka_sasl_username="u", kafka_sasl_password="p"
    )
    assert aiokafka_options(plain)["security_protocol"] == "SASL_PLAINTEXT"
    assert "ssl_context" not in aiokafka_options(plain)
    assert isinstance(faststream_security(plain), SASLScram256)
    assert aiokafka_options(settings(kafka_tls=True))["security_protocol"] == "SSL"


@pytest.mark.parametrize("missing", ["kafka_sasl_username", "kafka_sasl_password"])
def test_scram_without_user_or_password_is_refused(missing: str) -> None:
    values: dict[str, Any] = {
        "kafka_sasl_mechanism": "SCRAM-SHA-512",
        "kafka_sasl_username": "u",
        "kafka_sasl_password": "p",
    }
    del values[missing]
    with pytest.raises(KafkaSecurityIncomplete, match="MAUZO_KAFKA_SASL"):
        aiokafka_options(settings(**values))
    with pytest.raises(KafkaSecurityIncomplete):
        faststream_security(settings(**values))
