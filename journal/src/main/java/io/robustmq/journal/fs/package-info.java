/**
 * The journal's file operations behind one interface, so that what survives a power cut can be
 * tested: {@link io.robustmq.journal.fs.FileLayer#SYSTEM} in production, a recording layer in tests.
 */
package io.robustmq.journal.fs;
