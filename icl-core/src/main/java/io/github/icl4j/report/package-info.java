/** What every module's report writers share: the CSV table writer and the number formats. */
package io.github.icl4j.report;
