"""The one staff-token mechanism every team API uses: digests only, 401 without a known token, 403
for a known token without the right role."""

from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from vroeg_runtime.staff_auth import TokenDirectory, is_token_sha256, staff_dependency, token_sha256


def app_with(directory: TokenDirectory[str]) -> TestClient:
    app = FastAPI()
    admins_only = staff_dependency(directory.identify, may=lambda role: role == "admin",
                                   refusal=lambda role: f"role {role} may not")

    @app.get("/secret")
    async def secret(role: str = Depends(admins_only)) -> dict[str, str]:
        return {"role": role}

    return TestClient(app)


def test_a_token_is_known_by_its_digest_only():
    directory = TokenDirectory({token_sha256("s3cret-admin"): "admin"})
    assert is_token_sha256(token_sha256("x")) and not is_token_sha256("s3cret-admin")
    assert directory.identify("s3cret-admin") == "admin"
    assert directory.identify("s3cret-admin ") is None
    assert directory.identify(token_sha256("s3cret-admin")) is None  # the digest is not a token


def test_no_token_or_an_unknown_one_is_401_and_the_wrong_role_403():
    client = app_with(TokenDirectory({token_sha256("a"): "admin", token_sha256("c"): "caseworker"}))
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic YTpi"}):
        refused = client.get("/secret", headers=headers)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    wrong_role = client.get("/secret", headers={"Authorization": "Bearer c"})
    assert (wrong_role.status_code, wrong_role.json()["detail"]) == (403, "role caseworker may not")
    assert client.get("/secret", headers={"Authorization": "Bearer a"}).json() == {"role": "admin"}
