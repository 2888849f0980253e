package dev.idvstreams.simulator;

import io.vertx.core.json.JsonObject;

/** What the simulator sends back for a call: an HTTP status and a JSON body. */
record ApiAnswer(int status, JsonObject body) {}
