/** The three provider APIs as one table ({@link dev.idvstreams.api.Api}); the bottom of the package graph. */
package dev.idvstreams.api;
