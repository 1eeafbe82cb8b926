/** Delivery into AWS Secrets Manager, with the AWS SDK for Java 2.x. */
@NullMarked
package io.keybridge.destination.aws;

import org.jspecify.annotations.NullMarked;
