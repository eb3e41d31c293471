"""deploy/k8s validates offline: every rendered resource against the Kubernetes API schemas
(kubernetes-validate, strict) or, for KafkaTopic, against Strimzi's CRD schema; each service has
what it needs to run alone; the topics are generated from deploy/topics.toml."""

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from vroeg_devtools import k8s_topics

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"intake": 8101, "matching": 8102, "outreach": 8103, "consent": 8104}
# The oldest Kubernetes still commonly run, and the newest kubernetes-validate knows.
K8S_VERSIONS = ("1.30", kubernetes_validate.utils.latest_version())
KAFKA_TOPIC_SCHEMA = json.loads(Path(__file__).with_name("strimzi-kafkatopic-v1.schema.json").read_text())
OVERLAY_NAMES = ("base", "test", "production")


def _by_kind(resources, kind):
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def _container(deployment):
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_every_resource_validates(rendered, overlay):
    for resource in rendered[overlay]:
        where = f"{overlay}: {resource['kind']}/{resource['metadata']['name']}"
        if resource["kind"] == "KafkaTopic":
            jsonschema.validate(resource, KAFKA_TOPIC_SCHEMA)
            continue
        for version in K8S_VERSIONS:
            try:
                kubernetes_validate.validate(resource, version, strict=True)
            except (kubernetes_validate.ValidationError, kubernetes_validate.SchemaNotFoundError) as error:
                pytest.fail(f"{where} against Kubernetes {version}: {getattr(error, 'message', error)}")


def test_the_validation_can_fail(rendered):
    deployment = json.loads(json.dumps(_by_kind(rendered["base"], "Deployment")["intake"]))
    _container(deployment)["livenessProbe"]["httpGet"]["path"] = 8101  # a number where a string belongs
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[0], strict=True)
    topic = json.loads(json.dumps(_by_kind(rendered["base"], "KafkaTopic")["vroeg.matching.decisions.v1"]))
    topic["spec"]["partition"] = 3  # misspelled
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(topic, KAFKA_TOPIC_SCHEMA)


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_each_service_has_a_deployment_service_configmap_and_budget(rendered, overlay):
    resources = rendered[overlay]
    for kind, suffix in (("Deployment", ""), ("Service", ""), ("PodDisruptionBudget", ""), ("ConfigMap", "-config")):
        assert set(_by_kind(resources, kind)) == {f"{s}{suffix}" for s in SERVICES}, kind
    for resource in resources:
        if resource["kind"] != "KafkaTopic":
            assert resource["metadata"]["labels"]["app.kubernetes.io/name"] in SERVICES, resource["metadata"]["name"]


@pytest.mark.parametrize("service", SERVICES)
def test_a_deployment_runs_its_service_safely(rendered, service):
    resources = rendered["base"]
    deployment = _by_kind(resources, "Deployment")[service]
    pod = deployment["spec"]["template"]["spec"]
    container = _container(deployment)
    config = _by_kind(resources, "ConfigMap")[f"{service}-config"]["data"]

    assert container["image"].startswith(f"vroeg/{service}:")
    assert container["ports"] == [{"name": "http", "containerPort": SERVICES[service]}]
    assert config[f"{service.upper()}_HTTP_PORT"] == str(SERVICES[service])
    assert config["VROEG_HTTP_HOST"] == "0.0.0.0"  # the default (127.0.0.1) is unreachable in a pod
    assert config["OTEL_SERVICE_NAME"] == service
    assert container["envFrom"] == [{"configMapRef": {"name": f"{service}-config"}}]

    assert container["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": "http"}
    assert container["startupProbe"]["httpGet"] == {"path": "/health/live", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "http"}
    for bound in ("requests", "limits"):
        assert set(container["resources"][bound]) == {"cpu", "memory"}

    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert container["securityContext"] == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                            "capabilities": {"drop": ["ALL"]}}
    assert pod["automountServiceAccountToken"] is False

    database = next(e for e in container["env"] if e["name"] == f"{service.upper()}_DATABASE_URL")
    assert database["valueFrom"]["secretKeyRef"] == {"name": f"{service}-database", "key": "url"}
    mounted = {v["name"]: v for v in pod["volumes"]}
    for mount in container["volumeMounts"]:
        assert mount["name"] in mounted
        if "secret" in mounted[mount["name"]]:
            assert mount["readOnly"] is True
    if "VROEG_KEYS_DIR" in config:
        assert any(m["mountPath"] == config["VROEG_KEYS_DIR"] for m in container["volumeMounts"])


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_and_budget_select_the_deployments_pods(rendered, service):
    resources = rendered["base"]
    pod_labels = _by_kind(resources, "Deployment")[service]["spec"]["template"]["metadata"]["labels"]
    selectors = [_by_kind(resources, "Service")[service]["spec"]["selector"],
                 _by_kind(resources, "PodDisruptionBudget")[service]["spec"]["selector"]["matchLabels"],
                 _by_kind(resources, "Deployment")[service]["spec"]["selector"]["matchLabels"]]
    for selector in selectors:
        assert selector.items() <= pod_labels.items()


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_no_secret_is_in_the_manifests(rendered, overlay):
    assert not _by_kind(rendered[overlay], "Secret")
    for deployment in _by_kind(rendered[overlay], "Deployment").values():
        for variable in _container(deployment).get("env", []):
            assert "valueFrom" in variable, f"{variable['name']} is a literal: secrets come from a Secret"
        for value in _by_kind(rendered[overlay], "ConfigMap")[f"{deployment['metadata']['name']}-config"]["data"].values():
            assert "@" not in value, "a URL with credentials belongs in a Secret"


def test_the_overlays_set_namespace_images_and_replicas(rendered):
    for overlay, namespace in (("test", "vroeg-test"), ("production", "vroeg")):
        assert {r["metadata"]["namespace"] for r in rendered[overlay]} == {namespace}
        for name, deployment in _by_kind(rendered[overlay], "Deployment").items():
            repository, tag = _container(deployment)["image"].rsplit(":", 1)
            assert repository.endswith(f"/vroeg/{name}") and tag not in ("", "latest")

    test = rendered["test"]
    assert {d["spec"]["replicas"] for d in _by_kind(test, "Deployment").values()} == {1}
    assert all(b["spec"] == {"maxUnavailable": 1, "selector": b["spec"]["selector"]}
               for b in _by_kind(test, "PodDisruptionBudget").values())

    production = rendered["production"]
    assert {t["spec"]["replicas"] for t in _by_kind(production, "KafkaTopic").values()} == {3}
    assert {t["spec"]["config"]["min.insync.replicas"] for t in _by_kind(production, "KafkaTopic").values()} == {2}
    assert all(d["spec"]["replicas"] >= 2 for d in _by_kind(production, "Deployment").values())


def test_the_kafka_topics_are_generated_from_topics_toml(rendered, tmp_path):
    assert k8s_topics.main(["--check"]) == 0, "run `python -m vroeg_devtools.k8s_topics --write`"
    topics = _by_kind(rendered["base"], "KafkaTopic")
    assert {"vroeg.intake.arrears-reported.v1", "partner.waternet.reports.v1"} <= set(topics)

    # One more topic in topics.toml, and the committed file is stale.
    edited = tmp_path / "topics.toml"
    edited.write_text(k8s_topics.TOPICS_FILE.read_text() + '\n[[topic]]\nname = "vroeg.extra.v1"\n')
    assert k8s_topics.main(["--check", "--topics-file", str(edited)]) == 1


def _normalised(resources):
    return {(r["kind"], r["metadata"]["name"]): r for r in resources}


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (with its built-in kustomize) is not installed")
@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_the_python_renderer_agrees_with_kubectl_kustomize(rendered, overlay_dirs, overlay):
    output = subprocess.run(["kubectl", "kustomize", str(overlay_dirs[overlay])], capture_output=True, text=True,
                            check=True, timeout=120).stdout
    assert _normalised(rendered[overlay]) == _normalised(d for d in yaml.safe_load_all(output) if d)


def test_the_renderer_refuses_what_it_does_not_know(kustomize, tmp_path):
    (tmp_path / "kustomization.yaml").write_text("configMapGenerator:\n  - name: x\n    literals: [a=b]\n")
    with pytest.raises(ValueError, match="configMapGenerator"):
        kustomize.render(tmp_path)
