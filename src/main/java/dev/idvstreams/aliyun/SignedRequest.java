package dev.idvstreams.aliyun;

import java.util.Map;

/**
 * An RPC call ready for the wire: a {@code POST /} with these query parameters and headers and a
 * form-encoded body. Business parameters always travel in the body (the images are long); the
 * query holds the common parameters of signature 1.0, and is empty under V3.
 */
public record SignedRequest(Map<String, String> query, Map<String, String> headers, String formBody) {}
