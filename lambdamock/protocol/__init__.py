"""The REST-JSON wire protocol, driven by botocore's service models."""
