"""What every service exposes about itself: Prometheus metrics and OpenTelemetry traces."""
