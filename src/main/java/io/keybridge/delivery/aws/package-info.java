/** Delivery into AWS Secrets Manager, with the AWS SDK for Java 2.x. */
@NullMarked
package io.keybridge.delivery.aws;

import org.jspecify.annotations.NullMarked;
