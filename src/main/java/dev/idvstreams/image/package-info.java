/**
 * Image bytes judged from their header: {@link dev.idvstreams.image.ImageProbe} reads format and
 * declared dimensions without decoding, {@link dev.idvstreams.image.ImageRules} holds what each API
 * takes, and {@link dev.idvstreams.image.HeaderOnlyJpeg} makes the pixel-less JPEGs the demo and the
 * tests send. The lowest layer: it depends on nothing else in the project, so validation (topology) and
 * the image download (aliyun) apply the same rules.
 */
package dev.idvstreams.image;
