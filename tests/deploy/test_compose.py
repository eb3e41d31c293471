"""deploy/compose is a well-formed Compose file (the Compose Specification's JSON Schema, vendored
from compose-spec/compose-spec at 170098b, Apache License 2.0) that runs every service from its
own Dockerfile with its own secrets, next to Kafka, PostgreSQL, the topic job, the collector and
Jaeger; and its scripts make what it expects."""

import json
import os
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_DIR = ROOT / "deploy" / "compose"
SERVICES = {"intake": 8101, "matching": 8102, "outreach": 8103, "consent": 8104}
# The schema names draft 7 by a URL jsonschema does not recognise: choose the validator here.
VALIDATOR = jsonschema.Draft7Validator(json.loads(Path(__file__).with_name("compose-spec.schema.json").read_text()))


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((COMPOSE_DIR / "compose.yaml").read_text())


def test_the_file_follows_the_compose_specification(compose):
    VALIDATOR.validate(compose)
    broken = {**compose, "services": {**compose["services"], "intake": {**compose["services"]["intake"], "port": 1}}}
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(broken)


def test_the_platform_is_all_there(compose):
    services = compose["services"]
    assert {"kafka", "kafka-topics", "postgres", "keys", "otel-collector", "jaeger", *SERVICES} <= services.keys()
    kafka = services["kafka"]["environment"]
    assert "controller" in kafka["KAFKA_PROCESS_ROLES"] and kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on an unknown service {dependency}"


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_runs_from_its_own_dockerfile_with_its_own_secrets(compose, service):
    spec = compose["services"][service]
    assert (COMPOSE_DIR / spec["build"]["context"]).resolve() == ROOT
    assert spec["build"]["dockerfile"] == f"services/{service}/Dockerfile"
    assert spec["env_file"] == [f".secrets/{service}.env"]
    assert spec["environment"]["OTEL_SERVICE_NAME"] == service
    assert spec["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
    assert spec["ports"] == [f"127.0.0.1:{SERVICES[service]}:{SERVICES[service]}"]
    assert {"postgres", "kafka-topics"} <= spec["depends_on"].keys()
    for value in map(str, spec["environment"].values()):
        assert "@" not in value and "PASSWORD" not in value.upper(), "secrets belong in the env file"


def test_every_file_the_stack_mounts_exists(compose):
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (COMPOSE_DIR / source).exists(), f"{name} mounts a missing {source}"
    topics_job = " ".join(compose["services"]["kafka-topics"]["volumes"])
    assert "../local/create_topics.py:" in topics_job and "../topics.toml:" in topics_job


def test_the_collector_pipeline_is_complete_and_reaches_jaeger(compose):
    config = yaml.safe_load((ROOT / "deploy" / "otel" / "collector.yaml").read_text())
    for pipeline in config["service"]["pipelines"].values():
        for section in ("receivers", "processors", "exporters"):
            for component in pipeline[section]:
                assert component in config[section], f"{section}: {component} is used but not configured"
    assert config["receivers"]["otlp"]["protocols"]["http"]["endpoint"].endswith(":4318")
    exporter = config["exporters"]["otlp/traces"]["endpoint"]
    assert re.fullmatch(r"\$\{env:VROEG_TRACES_BACKEND:-jaeger:4317\}", exporter)
    assert compose["services"]["otel-collector"]["environment"]["VROEG_TRACES_BACKEND"] == "jaeger:4317"


def test_the_scripts_make_every_secret_the_stack_reads(compose, tmp_path):
    for script in ("secrets.sh", "postgres/init-databases.sh"):
        subprocess.run(["bash", "-n", str(COMPOSE_DIR / script)], check=True)
    secrets = tmp_path / "secrets"
    subprocess.run(["bash", str(COMPOSE_DIR / "secrets.sh")], check=True, capture_output=True,
                   env={**os.environ, "VROEG_COMPOSE_SECRETS_DIR": str(secrets)})
    for name, service in compose["services"].items():
        for env_file in service.get("env_file", []):
            assert (secrets / Path(env_file).name).exists(), f"{name} reads {env_file}, which secrets.sh does not make"
    assert oct((secrets / "postgres.env").stat().st_mode)[-3:] == "600"

    database = dict(line.split("=", 1) for line in (secrets / "postgres.env").read_text().splitlines())
    init_script = (COMPOSE_DIR / "postgres" / "init-databases.sh").read_text()
    for service in SERVICES:
        (line,) = (secrets / f"{service}.env").read_text().splitlines()  # its own URL, nothing else
        password = database[f"VROEG_PG_PASSWORD_{service.upper()}"]
        assert line == f"{service.upper()}_DATABASE_URL=postgresql://{service}:{password}@postgres:5432/{service}"
        assert service in re.search(r'VROEG_PG_SERVICES:-([a-z ]+)', init_script).group(1).split()
