// Whether zeroing Gemma 3 270M's in-context heads L10H0 and L11H2 harms the model outside in-context prompts
// (docs/real-model.md): the next token inside 60 plain SST-2 dev sentences (cut at two thirds), clean, with the
// two heads zeroed and with two pairs of random heads of the same layers zeroed.
import io.github.icl4j.*;
var gguf = java.nio.file.Path.of(System.getProperty("user.home"), ".cache/icl4j/gemma3/gemma-3-270m-q4_k_m.gguf");   // tools/fetch-gemma3.sh
var model = Model.load(gguf);
var data = Datasets.load("sst2", "dev");
var heads = List.of(HeadId.parse("L10H0"), HeadId.parse("L11H2"));
var ctrl = List.of(HeadId.parse("L10H2"), HeadId.parse("L11H1"));
var ctrl2 = List.of(HeadId.parse("L10H3"), HeadId.parse("L11H0"));
List<long[]> prefixes = new ArrayList<>(); List<Long> next = new ArrayList<>();
for (int i = 0; prefixes.size() < 60 && i < data.size(); i++) {
    long[] ids = model.tokenizer().encode(data.get(i).text(), true).ids();
    if (ids.length < 8) continue;
    int cut = ids.length * 2 / 3;
    prefixes.add(java.util.Arrays.copyOf(ids, cut)); next.add(ids[cut]);
}
double[] eval(List<HeadId> zero) {
    double nll = 0; int top1 = 0;
    for (int i = 0; i < prefixes.size(); i++) {
        var st = Probe.on(model).tokens(prefixes.get(i));
        if (zero != null) st = st.patchHeads(zero, Patch.zero());
        float[] l = st.logits()[0]; float m = Float.NEGATIVE_INFINITY; int b = 0;
        for (int j = 0; j < l.length; j++) { if (l[j] > m) { m = l[j]; b = j; } }
        double z = 0; for (float x : l) z += Math.exp(x - m);
        nll += -(l[(int) (long) next.get(i)] - m - Math.log(z)); if (b == next.get(i)) top1++;
    }
    return new double[] {nll / prefixes.size(), top1 / (double) prefixes.size()};
}
for (var c : List.of(List.<HeadId>of(), heads, ctrl, ctrl2)) { double[] r = eval(c.isEmpty() ? null : c); System.out.printf("zeroed %-14s mean NLL of the next token %.3f, top-1 %.3f (n = %d sentences)%n", c, r[0], r[1], prefixes.size()); }
/exit
