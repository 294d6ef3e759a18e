package io.github.icl4j.spark;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The sweep's table in tidy long format, one value per row, readable by Spark, pandas and polars from Parquet:
 * {@code model, dataset, seed, prompt_id, layer, head, metric, value}. {@code prompt_id} is the prompt's index in its
 * cell's prompt set; {@code layer} and {@code head} are null for per-prompt values that belong to no head.
 *
 * <table>
 * <caption>Metrics</caption>
 * <tr><th>metric</th><th>layer, head</th><th>value</th></tr>
 * <tr><td>{@value #GOLD}</td><td>null</td><td>the query's gold class (0 or 1)</td></tr>
 * <tr><td>{@value #SCORE_0}, {@value #SCORE_1}</td><td>the head</td><td>its log-probability increase for the
 *     first / second label word (METHOD §3.1), fp32 precision</td></tr>
 * <tr><td>{@value #CLEAN_CORRECT}, {@value #CLEAN_FULL_VOCAB_CORRECT}</td><td>null</td><td>1 when the clean model is
 *     right by label argmax / full-vocabulary argmax, else 0</td></tr>
 * <tr><td>{@value #CLEAN_GOLD_PROB}</td><td>null</td><td>the gold label's probability renormalised over the label
 *     words</td></tr>
 * <tr><td>{@value #ABLATED_CORRECT}, {@value #ABLATED_FULL_VOCAB_CORRECT}, {@value #ABLATED_GOLD_PROB}</td>
 *     <td>the removed head</td><td>the same with that head removed (METHOD §3.2)</td></tr>
 * </table>
 */
public final class TidyTable {
    /** The query's gold class. */
    public static final String GOLD = "gold";
    /** Log-probability increase for the first label word. */
    public static final String SCORE_0 = "score_class0";
    /** Log-probability increase for the second label word. */
    public static final String SCORE_1 = "score_class1";
    /** Clean model right by label argmax. */
    public static final String CLEAN_CORRECT = "clean_correct";
    /** Clean model right by full-vocabulary argmax. */
    public static final String CLEAN_FULL_VOCAB_CORRECT = "clean_full_vocab_correct";
    /** Clean gold-label probability. */
    public static final String CLEAN_GOLD_PROB = "clean_gold_prob";
    /** Right by label argmax with the head removed. */
    public static final String ABLATED_CORRECT = "ablated_correct";
    /** Right by full-vocabulary argmax with the head removed. */
    public static final String ABLATED_FULL_VOCAB_CORRECT = "ablated_full_vocab_correct";
    /** Gold-label probability with the head removed. */
    public static final String ABLATED_GOLD_PROB = "ablated_gold_prob";

    /** The columns. */
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("model", DataTypes.StringType, false),
        DataTypes.createStructField("dataset", DataTypes.StringType, false),
        DataTypes.createStructField("seed", DataTypes.LongType, false),
        DataTypes.createStructField("prompt_id", DataTypes.IntegerType, false),
        DataTypes.createStructField("layer", DataTypes.IntegerType, true),
        DataTypes.createStructField("head", DataTypes.IntegerType, true),
        DataTypes.createStructField("metric", DataTypes.StringType, false),
        DataTypes.createStructField("value", DataTypes.DoubleType, false)});

    /** Every metric name. */
    public static final List<String> METRICS = List.of(GOLD, SCORE_0, SCORE_1, CLEAN_CORRECT, CLEAN_FULL_VOCAB_CORRECT,
            CLEAN_GOLD_PROB, ABLATED_CORRECT, ABLATED_FULL_VOCAB_CORRECT, ABLATED_GOLD_PROB);

    private TidyTable() {
    }

    /** One row of {@code cell}'s; {@code layer} and {@code head} null for a per-prompt value. */
    static Row row(Cell cell, int promptId, Integer layer, Integer head, String metric, double value) {
        return RowFactory.create(cell.model().path(), cell.prompts().data(), cell.prompts().seed(), promptId, layer,
                head, metric, value);
    }
}
