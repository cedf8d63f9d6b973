"""The trainer worker reaches Temporal as Tailor's TypeScript workers do: Temporal's environment configuration."""
from __future__ import annotations

from tailor_trainer.worker import connect_config, parse_args


def test_temporal_cloud_from_the_standard_environment(monkeypatch):
    monkeypatch.setenv("TEMPORAL_ADDRESS", "ns.acct.tmprl.cloud:7233")
    monkeypatch.setenv("TEMPORAL_NAMESPACE", "ns.acct")
    monkeypatch.setenv("TEMPORAL_API_KEY", "secret-key")
    config = connect_config(parse_args([]))
    assert config["target_host"] == "ns.acct.tmprl.cloud:7233"
    assert config["namespace"] == "ns.acct"
    assert config["api_key"] == "secret-key" and config["tls"]  # an API key implies TLS
    # Flags win over the environment.
    flags = connect_config(parse_args(["--address", "127.0.0.1:7233", "--namespace", "default"]))
    assert (flags["target_host"], flags["namespace"]) == ("127.0.0.1:7233", "default")


def test_nothing_set_means_a_local_server(monkeypatch):
    for var in ("ADDRESS", "NAMESPACE", "API_KEY", "PROFILE", "CONFIG_FILE"):
        monkeypatch.delenv(f"TEMPORAL_{var}", raising=False)
    monkeypatch.setenv("HOME", "/nonexistent-home")
    config = connect_config(parse_args([]))
    assert config == {"target_host": "127.0.0.1:7233", "namespace": "default"}
