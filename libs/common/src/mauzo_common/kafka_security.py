"""How every Kafka client of the services authenticates: SASL/SCRAM, over TLS when asked.

One reading of the settings for both kinds of client: FastStream's broker (the event bus) and
the raw aiokafka clients of the validator's stream stage. Nothing is set for the embedded
broker, which listens on loopback only (docs/security.md#kafka-broker).
"""

from __future__ import annotations

import ssl
from typing import Any

from faststream.security import BaseSecurity, SASLScram256, SASLScram512

from mauzo_common.settings import MauzoSettings


class KafkaSecurityIncomplete(ValueError):
    """SASL asked for without its user or password: refused at start, not at the first send."""


def tls_context(settings: MauzoSettings) -> ssl.SSLContext | None:
    if not settings.kafka_tls:
        return None
    cafile = str(settings.kafka_tls_cafile) if settings.kafka_tls_cafile else None
    return ssl.create_default_context(cafile=cafile)


def _credentials(settings: MauzoSettings) -> tuple[str, str]:
    password = settings.kafka_sasl_password
    if not settings.kafka_sasl_username or password is None:
        raise KafkaSecurityIncomplete(
            f"MAUZO_KAFKA_SASL_MECHANISM={settings.kafka_sasl_mechanism} needs "
            "MAUZO_KAFKA_SASL_USERNAME and MAUZO_KAFKA_SASL_PASSWORD"
        )
    return settings.kafka_sasl_username, password.get_secret_value()


def aiokafka_options(settings: MauzoSettings) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaProducer / AIOKafkaConsumer / AIOKafkaAdminClient."""
    context = tls_context(settings)
    if not settings.kafka_sasl_mechanism:
        return {} if context is None else {"security_protocol": "SSL", "ssl_context": context}
    user, password = _credentials(settings)
    options: dict[str, Any] = {
        "security_protocol": "SASL_PLAINTEXT" if context is None else "SASL_SSL",
        "sasl_mechanism": settings.kafka_sasl_mechanism,
        "sasl_plain_username": user,
        "sasl_plain_password": password,
    }
    if context is not None:
        options["ssl_context"] = context
    return options


def faststream_security(settings: MauzoSettings) -> BaseSecurity | None:
    """The same, as FastStream's KafkaBroker takes it."""
    context = tls_context(settings)
    if not settings.kafka_sasl_mechanism:
        return None if context is None else BaseSecurity(ssl_context=context, use_ssl=True)
    user, password = _credentials(settings)
    scram = SASLScram256 if settings.kafka_sasl_mechanism == "SCRAM-SHA-256" else SASLScram512
    return scram(user, password, ssl_context=context, use_ssl=context is not None)
