// icl4j in JShell: load the built-in model, build a few-shot prompt, read the prediction and one head's
// attention at the label words. Start it from the project root (docs/jshell.md):
//
//   mvn -q -B install -DskipTests
//   mvn -q -B -pl icl-examples dependency:build-classpath -Dmdep.outputFile=target/cp.txt -DincludeScope=compile
//   jshell -R-DOPT_OUT_TRACKING=true -R-Dicl4j.threads=1 \
//       --class-path "icl-core/target/classes:icl-heads/target/classes:icl-bias/target/classes:icl-examples/target/classes:$(cat icl-examples/target/cp.txt)" \
//       icl-examples/src/main/jshell/quickstart.jsh
//
// One import is enough (JShell imports java.util.* itself). Leave out the last line (/exit) to keep the session
// open and go on exploring.
import io.github.icl4j.*;

var model = Model.builtin();

// two classes of made-up words the model never saw together in training; class 0 is written " foo", class 1 " bar"
var data = Datasets.builtin(3, 7);
var demos = Demonstrations.of(2, List.of(data.get(0), data.get(1), data.get(3), data.get(2)));
var query = data.get(5);
var prompt = IclPrompt.builder(model.tokenizer()).build(demos, query);
System.out.println(prompt.text());

var probs = Probe.on(model).prompt(prompt).labelProbabilities().row(0);
System.out.printf("prediction:%s (gold%s), p(foo) = %.3f, p(bar) = %.3f%n",
        prompt.labelWords().get(probs.predicted()), prompt.labelWords().get(query.label()), probs.prob(0), probs.prob(1));

// L2H2, the model's in-context head, reads the label words of the demonstrations that share the query's label
var head = HeadId.parse("L2H2");
var attention = Probe.on(model).prompt(prompt).attentionAt(prompt.labelPositions());
System.out.println(head + " attention from the last token to the label words at " + Arrays.toString(prompt.labelPositions())
        + ": " + Arrays.toString(attention.of(0, head)));

model.close();
/exit
