// What Gemma 3 270M answers when its in-context heads L10H0 and L11H2 are zeroed (docs/real-model.md):
// the top token of the first 24 test prompts of the main job (SST-2, natural labels, k = 4, seed 42), clean,
// with the two heads zeroed, and with two random heads of the same layers zeroed. Run from the project root,
// after `mvn -q -B install -DskipTests` (the jshell command is in docs/real-model.md).
import io.github.icl4j.*;
import io.github.icl4j.examples.cli.*;
var gguf = java.nio.file.Path.of(System.getProperty("user.home"), ".cache/icl4j/gemma3/gemma-3-270m-q4_k_m.gguf");   // tools/fetch-gemma3.sh
var model = Model.load(gguf);
// the main job's options of that run, so Workload draws the same test prompts
var o = JobOptions.defaults().with(b -> b.model(gguf).data("sst2").labels(List.of("negative", "positive")).shots(4).prompts(68).seed(42).biasQueries(6).tuneData(List.of("cr", "mr")));
var w = Workload.of(model, o);
var test = w.test().subList(0, 24);   // the first 24 of the 68 test prompts
var heads = List.of(HeadId.parse("L10H0"), HeadId.parse("L11H2"));
var ctrl = List.of(HeadId.parse("L10H2"), HeadId.parse("L11H1"));
float[][] clean = Probe.on(model).prompts(test).batchSize(4).logits();
float[][] zeroed = Probe.on(model).prompts(test).batchSize(4).patchHeads(heads, Patch.zero()).logits();
float[][] rnd = Probe.on(model).prompts(test).batchSize(4).patchHeads(ctrl, Patch.zero()).logits();
String top(float[] l, int n) { Integer[] idx = new Integer[l.length]; for (int i = 0; i < l.length; i++) idx[i] = i; java.util.Arrays.sort(idx, (a, b) -> Float.compare(l[b], l[a])); StringBuilder sb = new StringBuilder(); double z = 0; float m = l[idx[0]]; for (float x : l) z += Math.exp(x - m); for (int i = 0; i < n; i++) sb.append(String.format("%s %.2f  ", "'" + model.tokenizer().decode(idx[i]).replace("\n", "\\n") + "'", Math.exp(l[idx[i]] - m) / z)); return sb.toString(); }
java.util.Map<String, Integer> counts(float[][] ls) { var c = new java.util.TreeMap<String, Integer>(); for (float[] l : ls) { int b = 0; for (int i = 1; i < l.length; i++) if (l[i] > l[b]) b = i; c.merge("'" + model.tokenizer().decode(b).replace("\n", "\\n") + "'", 1, Integer::sum); } return c; }
System.out.println("top-1 token counts over " + test.size() + " test prompts of seed 42:");
System.out.println("  clean:          " + counts(clean));
System.out.println("  L10H0,L11H2 0:  " + counts(zeroed));
System.out.println("  L10H2,L11H1 0:  " + counts(rnd));
for (int i = 0; i < 3; i++) { System.out.println("prompt " + i + " clean:  " + top(clean[i], 5)); System.out.println("prompt " + i + " zeroed: " + top(zeroed[i], 5)); System.out.println("prompt " + i + " random: " + top(rnd[i], 5)); }
/exit
