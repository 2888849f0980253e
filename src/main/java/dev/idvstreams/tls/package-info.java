/** TLS settings shared by the clients of the provider APIs and of the schema registry. Depends on the JDK only. */
package dev.idvstreams.tls;
