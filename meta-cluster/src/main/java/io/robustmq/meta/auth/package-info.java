/**
 * Who may do what: SCRAM credentials (derived from passwords, checked without storing them) and
 * ACL rules with the authorizer that decides a request against them. The rules and credentials
 * themselves are replicated by the Meta Service's state machine.
 */
package io.robustmq.meta.auth;
