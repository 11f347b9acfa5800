import json


def test_explore(memo, api, client):
    r = api.get("/api/v1/openapi.json")
    print(r.status_code, r["Content-Type"])
    open("/tmp/explore/openapi.json", "w").write(r.content.decode())
    out = {}
    for url in [
        "/api/v1/documents",
        "/api/v1/programs",
        "/api/v1/budget-lines?document=sterke-maakindustrie-2015&ordering=position",
        "/api/v1/subsidies",
        "/api/v1/commitments",
        "/api/v1/organisations",
        "/api/v1/themes",
        "/api/v1/actions",
        "/api/v1/indicators",
        "/api/v1/documents/sterke-maakindustrie-2015/overview",
        "/api/v1/programs?parent=limburgmakers",
        "/api/v1/budget-lines?contributionKind=gratis",
        "/api/v1/programs?parent=bestaat-niet",
        "/api/v1/programs/",
        "/api/v1/programs/bestaat-niet",
        "/api/v1/commitments/motie-615",
        "/api/v1/budget-lines/sterke-maakindustrie-2015-1",
        "/api/v1/commitments?kind=motie",
        "/api/v1/programs?search=Leningen",
        "/api/v1/programs?ordering=-name",
    ]:
        r = api.get(url)
        out[url] = [
            r.status_code,
            r.get("Content-Type"),
            r.get("API-Version"),
            r.content.decode()[:3000],
        ]
    json.dump(out, open("/tmp/explore/resp.json", "w"), indent=1, ensure_ascii=False)
