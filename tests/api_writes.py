"""Writing through the API as an integrating system does: read the record's ETag, then send the
change with If-Match and a Change-Reason."""


def change(client, url, data=None, *, reason):
    """PATCH `data` to `url` (DELETE it when `data` is None) as of the version `client` reads
    now, with `reason` for the history."""
    etag = client.get(url)["ETag"]
    if data is None:
        return client.delete(url, HTTP_IF_MATCH=etag, HTTP_CHANGE_REASON=reason)
    return client.patch(url, data, format="json", HTTP_IF_MATCH=etag, HTTP_CHANGE_REASON=reason)
