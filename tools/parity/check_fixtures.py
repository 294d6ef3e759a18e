"""Independent plain-torch re-implementation of every fixture family, computed only from
config.json + model.safetensors, compared against reference.safetensors (real positions only).
Documents the exact math the Java port must reproduce. Usage: python check_fixtures.py [parity_dir]"""
import json, math, torch
from safetensors.torch import load_file
import os, sys
R=(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "icl-core", "src", "test", "resources", "parity")) + "/"
F=torch.nn.functional
def ln(x,w,b,eps): return F.layer_norm(x,(x.shape[-1],),w,b,eps)
def rms(x,w,eps): return x*torch.rsqrt(x.pow(2).mean(-1,keepdim=True)+eps)*w
def gelu_new(x): return 0.5*x*(1+torch.tanh(math.sqrt(2/math.pi)*(x+0.044715*x**3)))
def rope_half(x,pos,rd,theta):  # x [b,h,s,dh]
    inv=1.0/(theta**(torch.arange(0,rd,2).float()/rd)); f=pos[:,None,:,None].float()*inv
    c=torch.cat([f.cos(),f.cos()],-1); s=torch.cat([f.sin(),f.sin()],-1)
    xr,xp=x[...,:rd],x[...,rd:]; x1,x2=xr[...,:rd//2],xr[...,rd//2:]
    return torch.cat([xr*c+torch.cat([-x2,x1],-1)*s,xp],-1)
def rope_inter(x,pos,rd,theta):
    inv=1.0/(theta**(torch.arange(0,rd,2).float()/rd)); f=pos[:,None,:,None].float()*inv
    c=f.cos().repeat_interleave(2,-1); s=f.sin().repeat_interleave(2,-1)
    xr,xp=x[...,:rd],x[...,rd:]; x1=xr[...,0::2]; x2=xr[...,1::2]
    rot=torch.stack([-x2,x1],-1).flatten(-2)
    return torch.cat([xr*c+rot*s,xp],-1)
def attend(q,k,v,mask,window=None):  # q [b,h,s,dh]
    b,h,s,dh=q.shape; k=k.repeat_interleave(h//k.shape[1],1); v=v.repeat_interleave(h//v.shape[1],1)
    sc=q@k.transpose(-1,-2)/math.sqrt(dh)
    i=torch.arange(s); allow=(i[None,:]<=i[:,None])
    if window: allow&=(i[None,:]>i[:,None]-window)
    allow=allow[None,None]&mask[:,None,None,:].bool()
    sc=sc.masked_fill(~allow,float('-inf')); p=sc.softmax(-1)
    z=(p@v).transpose(1,2)  # b s h dh
    return p,z
def run(fam,prefix="single"):
    cfg=json.load(open(R+fam+"/config.json")); W=load_file(R+fam+"/model.safetensors"); ref=load_file(R+fam+"/reference.safetensors")
    ids=ref[prefix+".input_ids"]; mask=ref[prefix+".attention_mask"]; pos=ref[prefix+".position_ids"]
    b,s=ids.shape; out={}
    mt=cfg["model_type"]
    if mt=="gpt2":
        H=cfg["n_head"]; x=W["transformer.wte.weight"][ids]+W["transformer.wpe.weight"][pos]; L=cfg["n_layer"]; eps=cfg["layer_norm_epsilon"]
    elif mt=="gptj":
        H=cfg["n_head"]; x=W["transformer.wte.weight"][ids]; L=cfg["n_layer"]; eps=cfg["layer_norm_epsilon"]
    elif mt=="gpt_neox":
        H=cfg["num_attention_heads"]; x=W["gpt_neox.embed_in.weight"][ids]; L=cfg["num_hidden_layers"]; eps=cfg["layer_norm_eps"]
    else:
        H=cfg["num_attention_heads"]; x=W["model.embed_tokens.weight"][ids]; L=cfg["num_hidden_layers"]; eps=cfg["rms_norm_eps"]
    d=x.shape[-1]
    for l in range(L):
        out[f"blocks.{l}.hook_resid_pre"]=x
        if mt=="gpt2":
            p=f"transformer.h.{l}."; h=ln(x,W[p+"ln_1.weight"],W[p+"ln_1.bias"],eps)
            qkv=h@W[p+"attn.c_attn.weight"]+W[p+"attn.c_attn.bias"]; q,k,v=[t.view(b,s,H,-1).transpose(1,2) for t in qkv.split(d,-1)]
            pat,z=attend(q,k,v,mask); a=z.reshape(b,s,d)@W[p+"attn.c_proj.weight"]+W[p+"attn.c_proj.bias"]
            x=x+a; h2=ln(x,W[p+"ln_2.weight"],W[p+"ln_2.bias"],eps)
            m=gelu_new(h2@W[p+"mlp.c_fc.weight"]+W[p+"mlp.c_fc.bias"])@W[p+"mlp.c_proj.weight"]+W[p+"mlp.c_proj.bias"]; x=x+m
        elif mt=="gptj":
            p=f"transformer.h.{l}."; h=ln(x,W[p+"ln_1.weight"],W[p+"ln_1.bias"],eps)
            q,k,v=[(h@W[p+f"attn.{n}_proj.weight"].T).view(b,s,H,-1).transpose(1,2) for n in "qkv"]
            q=rope_inter(q,pos,cfg["rotary_dim"],10000.0); k=rope_inter(k,pos,cfg["rotary_dim"],10000.0)
            pat,z=attend(q,k,v,mask); a=z.reshape(b,s,d)@W[p+"attn.out_proj.weight"].T
            m=gelu_new(h@W[p+"mlp.fc_in.weight"].T+W[p+"mlp.fc_in.bias"])@W[p+"mlp.fc_out.weight"].T+W[p+"mlp.fc_out.bias"]
            x=x+a+m
        elif mt=="gpt_neox":
            p=f"gpt_neox.layers.{l}."; h=ln(x,W[p+"input_layernorm.weight"],W[p+"input_layernorm.bias"],eps)
            qkv=(h@W[p+"attention.query_key_value.weight"].T+W[p+"attention.query_key_value.bias"]).view(b,s,H,-1).transpose(1,2)
            q,k,v=qkv.chunk(3,-1); dh=q.shape[-1]; rd=int(dh*cfg["rope_parameters"]["partial_rotary_factor"]); th=cfg["rope_parameters"]["rope_theta"]
            q=rope_half(q,pos,rd,th); k=rope_half(k,pos,rd,th)
            pat,z=attend(q,k,v,mask); a=z.reshape(b,s,d)@W[p+"attention.dense.weight"].T+W[p+"attention.dense.bias"]
            def mlp(t): return F.gelu(t@W[p+"mlp.dense_h_to_4h.weight"].T+W[p+"mlp.dense_h_to_4h.bias"])@W[p+"mlp.dense_4h_to_h.weight"].T+W[p+"mlp.dense_4h_to_h.bias"]
            if cfg["use_parallel_residual"]:
                m=mlp(ln(x,W[p+"post_attention_layernorm.weight"],W[p+"post_attention_layernorm.bias"],eps)); x=x+a+m
            else:
                x=x+a; m=mlp(ln(x,W[p+"post_attention_layernorm.weight"],W[p+"post_attention_layernorm.bias"],eps)); x=x+m
        else:
            p=f"model.layers.{l}."; h=rms(x,W[p+"input_layernorm.weight"],eps); dh=cfg.get("head_dim") or d//H
            def proj(n):
                t=h@W[p+f"self_attn.{n}_proj.weight"].T
                if p+f"self_attn.{n}_proj.bias" in W: t=t+W[p+f"self_attn.{n}_proj.bias"]
                return t.view(b,s,-1,dh).transpose(1,2)
            q,k,v=proj("q"),proj("k"),proj("v"); th=cfg["rope_parameters"]["rope_theta"]
            q=rope_half(q,pos,dh,th); k=rope_half(k,pos,dh,th)
            pat,z=attend(q,k,v,mask,cfg.get("sliding_window")); a=z.reshape(b,s,-1)@W[p+"self_attn.o_proj.weight"].T
            x=x+a; h2=rms(x,W[p+"post_attention_layernorm.weight"],eps)
            m=(F.silu(h2@W[p+"mlp.gate_proj.weight"].T)*(h2@W[p+"mlp.up_proj.weight"].T))@W[p+"mlp.down_proj.weight"].T; x=x+m
        out[f"blocks.{l}.attn.hook_pattern"]=pat; out[f"blocks.{l}.attn.hook_z"]=z; out[f"blocks.{l}.hook_attn_out"]=a; out[f"blocks.{l}.hook_mlp_out"]=m; out[f"blocks.{l}.hook_resid_post"]=x
    if mt in("gpt2","gptj"): fn=ln(x,W["transformer.ln_f.weight"],W["transformer.ln_f.bias"],eps)
    elif mt=="gpt_neox": fn=ln(x,W["gpt_neox.final_layer_norm.weight"],W["gpt_neox.final_layer_norm.bias"],eps)
    else: fn=rms(x,W["model.norm.weight"],eps)
    out["ln_final.hook_normalized"]=fn
    if mt=="gpt2": lg=fn@W["transformer.wte.weight"].T
    elif mt=="gptj": lg=fn@W["lm_head.weight"].T+W["lm_head.bias"]
    elif mt=="gpt_neox": lg=fn@W["embed_out.weight"].T
    else: lg=fn@(W["lm_head.weight"] if "lm_head.weight" in W else W["model.embed_tokens.weight"]).T
    out["logits"]=lg
    real=mask.bool(); worst=0;wk=None
    for k,v in out.items():
        r=ref[prefix+"."+k]
        if "pattern" in k: dif=(v-r).abs().permute(0,2,1,3)[real].max().item()
        else: dif=(v-r)[real].abs().max().item()
        if dif>worst: worst,wk=dif,k
    print(f"{fam:13s} {prefix:6s} max|diff| over real positions = {worst:.2e} ({wk})")
    assert worst < 1e-4, (fam, prefix, wk, worst)
for fam in ["gpt2","gptj","gpt_neox","gpt_neox_seq","llama","mistral","qwen2"]:
    for pre in ["single","right","left"]: run(fam,pre)
