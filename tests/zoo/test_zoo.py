"""The model zoo: save_pretrained / load round trips, the registry (empty as shipped, temporary rows in
tests), config checks, create_model(pretrained=...) and the torch.hub entry points."""
import json
import os

import pytest
import torch

from torch_gan_zoo import hub, nets, zoo
from torch_gan_zoo.zoo import registry
from torch_gan_zoo.zoo.pretrained import CONFIG_NAME, WEIGHTS_NAME
from helpers.paths import REPO


def tiny_models(name="dcgan", seed=0, **kwargs):
    torch.manual_seed(seed)
    kwargs = {"ngf": 8, "ndf": 8, **kwargs}
    return nets.create_model(name, 32, **kwargs)


def outputs(netG, seed=1, n=4, labels=None):
    z = torch.randn(n, netG.nz, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        return netG.eval()(z) if labels is None else netG.eval()(z, labels)


_SHIPPED = registry.PRETRAINED_MODELS


def register(monkeypatch, tmp_path, folder_name="tiny", name="tiny_dcgan", **fields):
    """Register a temporary entry for a folder under a temporary PRETRAINED_DIR (the shipped entries, whose
    folders are not there, are left out; entries this test registered before are kept)."""
    monkeypatch.setattr(registry, "PRETRAINED_DIR", str(tmp_path))
    weights = tmp_path / folder_name / WEIGHTS_NAME
    row = dict(name=name, model="dcgan", resolution=32, dataset="shapes", sha256=hub.sha256_file(str(weights)),
               fid=None, parameters=1, file_size=os.path.getsize(weights), license="MIT", command="n/a",
               folder=folder_name)
    row.update(fields)
    entry = zoo.PretrainedEntry(**row)
    kept = tuple(e for e in registry.PRETRAINED_MODELS if e not in _SHIPPED)
    monkeypatch.setattr(registry, "PRETRAINED_MODELS", kept + (entry,))
    return entry


@pytest.fixture
def saved(tmp_path):
    netG, netD = tiny_models()
    folder = zoo.save_pretrained(netG, tmp_path / "tiny", netD=netD, card={"dataset": "shapes", "command": "train it"})
    return netG, netD, folder


def test_round_trip_gives_identical_networks_in_eval_mode(saved):
    netG, netD, folder = saved
    assert sorted(os.listdir(folder)) == ["README.md", CONFIG_NAME, WEIGHTS_NAME, "samples.png"]
    loaded = zoo.load(folder)
    assert not loaded.training and type(loaded) is type(netG)
    assert torch.equal(outputs(loaded), outputs(netG))
    pair = zoo.load(folder, part="both")
    assert torch.equal(outputs(pair.netG), outputs(netG))
    x = torch.rand(2, 3, 32, 32) * 2 - 1
    with torch.no_grad():
        assert torch.equal(pair.netD.eval()(x), netD.eval()(x))
    assert not zoo.load(folder, part="D").training
    # the file alone is enough: its metadata carries the architecture
    assert torch.equal(outputs(zoo.load(os.path.join(folder, WEIGHTS_NAME))), outputs(netG))
    with pytest.raises(ValueError, match="part must be"):
        zoo.load(folder, part="G+D")


def test_loading_leaves_the_global_rng_alone(saved):
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    zoo.load(saved[2], part="both")
    assert torch.equal(torch.rand(3), expected)


def test_model_card_and_config_describe_the_model(saved):
    folder = saved[2]
    config = json.loads(open(os.path.join(folder, CONFIG_NAME)).read())
    arch = config["architecture"]
    assert (arch["model"], arch["resolution"], arch["dtype"]) == ("dcgan", 32, "float32")
    assert arch["netG"]["kwargs"]["ngf"] == 8 and arch["netD"]["kwargs"]["ndf"] == 8
    card = open(os.path.join(folder, "README.md")).read()
    assert card.startswith("---\nlicense: mit") and "train it" in card and "![samples](samples.png)" in card
    assert "Not measured yet" in card
    fid = zoo.FIDRecord(value=12.5, num_fake=10000, num_real=10000, reference="shapes test", protocol="tf1",
                        inception_sha256="ab" * 32, seed=0)
    before = hub.sha256_file(os.path.join(folder, WEIGHTS_NAME))
    zoo.update_card(folder, fid=fid, license="CC-BY-4.0")
    card = open(os.path.join(folder, "README.md")).read()
    assert "| FID | 12.500 |" in card and "shapes test" in card and "CC-BY-4.0 license" in card
    assert zoo.read_config(folder)["card"]["fid"]["value"] == 12.5
    assert hub.sha256_file(os.path.join(folder, WEIGHTS_NAME)) == before  # weights untouched
    with pytest.raises(ValueError, match="unknown model card field"):
        zoo.update_card(folder, fidd=1)


def test_half_precision_weights_load_into_float32_networks(tmp_path):
    netG, _ = tiny_models()
    full = zoo.save_pretrained(netG, tmp_path / "full", samples=False)
    half = zoo.save_pretrained(netG, tmp_path / "half", dtype=torch.float16, samples=False)
    assert os.path.getsize(os.path.join(half, WEIGHTS_NAME)) < 0.6 * os.path.getsize(os.path.join(full, WEIGHTS_NAME))
    loaded = zoo.load(half)
    assert next(loaded.parameters()).dtype == torch.float32
    ref = {k: v.half().float() for k, v in netG.state_dict().items() if v.is_floating_point()}
    assert all(torch.equal(loaded.state_dict()[k], v) for k, v in ref.items())
    with pytest.raises(ValueError, match="floating torch dtype"):
        zoo.save_pretrained(netG, tmp_path / "bad", dtype=torch.int8)


def test_conditional_model_keeps_its_classes(tmp_path):
    netG, _ = tiny_models("cgan_pd", num_classes=3)
    folder = zoo.save_pretrained(netG, tmp_path / "cond")
    loaded = zoo.load(folder)
    assert loaded.num_classes == 3
    labels = torch.tensor([0, 1, 2, 1])
    assert torch.equal(outputs(loaded, labels=labels), outputs(netG, labels=labels))
    with pytest.raises(ValueError, match="holds no discriminator"):
        zoo.load(folder, part="both")


def test_save_refuses_to_overwrite_unregistered_classes_and_bad_card(tmp_path, saved):
    netG, netD, folder = saved
    before = open(os.path.join(folder, WEIGHTS_NAME), "rb").read()
    with pytest.raises(ValueError, match="overwrite=True"):
        zoo.save_pretrained(netG, folder)
    assert open(os.path.join(folder, WEIGHTS_NAME), "rb").read() == before

    class Unregistered(type(netG)):
        pass

    with pytest.raises(ValueError, match="not registered"):
        zoo.save_pretrained(Unregistered(ngf=8), tmp_path / "u")
    with pytest.raises(ValueError, match="registers"):
        zoo.save_pretrained(netG, tmp_path / "w", model="sngan", resolution=32)
    with pytest.raises(ValueError, match="unknown model card field"):
        zoo.save_pretrained(netG, tmp_path / "c", card={"lisence": "MIT"})
    assert not os.path.exists(tmp_path / "u") and not os.path.exists(tmp_path / "c")


def test_config_problems_are_named(saved, tmp_path):
    folder = saved[2]
    path = os.path.join(folder, CONFIG_NAME)
    config = json.loads(open(path).read())

    def write(cfg):
        with open(path, "w") as f:
            json.dump(cfg, f)

    write({**config, "format": "other"})
    with pytest.raises(zoo.PretrainedConfigError, match="format must be"):
        zoo.load(folder)
    write({**config, "format_version": 99})
    with pytest.raises(zoo.PretrainedConfigError, match="upgrade"):
        zoo.load(folder)
    write({**config, "architecture": {**config["architecture"], "resolution": "32"}})
    with pytest.raises(zoo.PretrainedConfigError, match="architecture.resolution"):
        zoo.load(folder)
    # a module path in the config is never imported: only (model, resolution) in the registry counts
    arch = dict(config["architecture"], model="os_system_module")
    write({**config, "architecture": arch})
    with pytest.raises(zoo.PretrainedConfigError, match="describe different networks"):
        zoo.load(folder)
    open(path, "w").write("{not json")
    with pytest.raises(zoo.PretrainedConfigError, match="not valid JSON"):
        zoo.load(folder)
    os.remove(path)
    with pytest.raises(zoo.PretrainedConfigError, match="config.json is missing"):
        zoo.load(folder)
    with pytest.raises(FileNotFoundError, match="no pretrained folder"):
        zoo.load(str(tmp_path / "nowhere"))


def test_unregistered_model_name_in_a_file_is_refused(tmp_path):
    netG, _ = tiny_models()
    folder = zoo.save_pretrained(netG, tmp_path / "m", samples=False)
    config = zoo.read_config(folder)
    arch = dict(config["architecture"], model="evil")
    from torch_gan_zoo.zoo.safetensors_file import write_safetensors

    tensors = {"netG." + k: v for k, v in netG.state_dict().items()}
    write_safetensors(os.path.join(folder, WEIGHTS_NAME), tensors,
                      {"torch_gan_zoo.architecture": json.dumps(arch)})
    os.remove(os.path.join(folder, CONFIG_NAME))
    with pytest.raises(zoo.PretrainedConfigError, match="unknown model 'evil'"):
        zoo.load(os.path.join(folder, WEIGHTS_NAME))


def test_shipped_registry_is_empty_and_says_so():
    assert zoo.list_pretrained() == [] or all(e.folder or e.url for e in zoo.list_pretrained())
    if not registry.PRETRAINED_MODELS:
        with pytest.raises(zoo.UnknownPretrainedError, match="no pretrained model is registered"):
            zoo.load("anything")


def test_shipped_entries_point_at_files_that_exist_with_their_sha256():
    for entry in zoo.list_pretrained():
        if entry.folder is not None:
            weights = os.path.join(entry.local_path, WEIGHTS_NAME)
            assert hub.sha256_file(weights) == entry.sha256 and os.path.getsize(weights) == entry.file_size
            netG = zoo.load(entry.name)
            assert sum(p.numel() for p in netG.parameters()) == entry.parameters


def test_a_withdrawn_name_is_an_error_that_says_what_to_use_instead():
    assert not set(registry.WITHDRAWN) & {e.name for e in registry.PRETRAINED_MODELS}
    for name in registry.WITHDRAWN:
        with pytest.raises(zoo.UnknownPretrainedError, match=f"{name!r} is no longer shipped") as info:
            zoo.load(name)
        # what it names instead is registered, and the rebuild command names its own recipe
        assert any(e.name in str(info.value) for e in registry.PRETRAINED_MODELS)
        assert f"--name {name} " in str(info.value)
    with pytest.raises(zoo.UnknownPretrainedError, match="no longer shipped"):
        nets.create_model("dcgan", 28, pretrained="dcgan_fashion_mnist")


def test_registered_entry_loads_by_name_and_is_verified(saved, tmp_path, monkeypatch):
    netG, _, folder = saved
    entry = register(monkeypatch, tmp_path)
    assert [e.name for e in zoo.list_pretrained()] == ["tiny_dcgan"]
    assert zoo.list_pretrained("sngan*") == []
    assert zoo.get_pretrained("tiny_dcgan") is entry and entry.as_dict()["folder"] == "tiny"
    assert torch.equal(outputs(zoo.load("tiny_dcgan")), outputs(netG))
    with pytest.raises(zoo.UnknownPretrainedError, match="did you mean 'tiny_dcgan'"):
        zoo.load("tiny_dcgn")
    # a shipped file that changed after registration is refused
    with open(os.path.join(folder, WEIGHTS_NAME), "r+b") as f:
        f.seek(-4, 2)
        f.write(b"\x00\x01\x02\x03")
    with pytest.raises(hub.ChecksumError, match="expected sha256"):
        zoo.load("tiny_dcgan")
    os.remove(os.path.join(folder, WEIGHTS_NAME))
    with pytest.raises(FileNotFoundError, match="broken install"):
        zoo.load("tiny_dcgan")


def test_entry_validation():
    row = dict(name="ok_name", model="dcgan", resolution=32, dataset="x", sha256="a" * 64, fid=None, parameters=1,
               file_size=1, license="MIT", command="c", folder="f")
    zoo.PretrainedEntry(**row)
    for change, match in (({"name": "Bad-Name"}, "identifier"), ({"sha256": "xyz"}, "64 lower-case hex"),
                          ({"url": "https://x/m.safetensors"}, "exactly one"),
                          ({"folder": None, "url": "ftp://x"}, "http")):
        with pytest.raises(ValueError, match=match):
            zoo.PretrainedEntry(**{**row, **change})


def test_duplicate_registry_names_are_refused(saved, tmp_path, monkeypatch):
    register(monkeypatch, tmp_path)
    register(monkeypatch, tmp_path)
    with pytest.raises(ValueError, match="registered twice"):
        zoo.list_pretrained()


def test_create_model_goes_through_the_registry(saved, tmp_path, monkeypatch):
    netG, netD, folder = saved
    pair = nets.create_model("dcgan", 32, pretrained=folder)
    assert torch.equal(outputs(pair.netG), outputs(netG)) and pair.netD is not None
    register(monkeypatch, tmp_path)
    assert torch.equal(outputs(nets.create_model("dcgan_32", pretrained="tiny_dcgan").netG), outputs(netG))
    assert torch.equal(outputs(nets.create_model("dcgan", 32, pretrained=True).netG), outputs(netG))
    with pytest.raises(ValueError, match="exactly one registered"):
        nets.create_model("dcgan", 64, pretrained=True)
    with pytest.raises(ValueError, match="not sngan at 32px"):
        nets.create_model("sngan", 32, pretrained=folder)
    with pytest.raises(TypeError, match="takes no model arguments"):
        nets.create_model("dcgan", 32, pretrained=folder, ngf=16)
    g_only = zoo.save_pretrained(netG, tmp_path / "g_only", samples=False)
    assert nets.create_model("dcgan", 32, pretrained=g_only).netD is None


def test_nets_does_not_import_the_zoo():
    import subprocess
    import sys

    code = "import sys, torch_gan_zoo.nets; print('torch_gan_zoo.zoo' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, PYTHONPATH=REPO))
    assert out.stdout.strip() == "False", out.stderr


def test_torch_hub_local_entry_points(saved, tmp_path, monkeypatch):
    netG, _, folder = saved
    register(monkeypatch, tmp_path)
    import importlib.util

    spec = importlib.util.spec_from_file_location("hubconf_under_test", os.path.join(REPO, "hubconf.py"))
    hubconf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hubconf)
    assert "tiny_dcgan" in dir(hubconf) and "pretrained" in dir(hubconf)
    loaded = torch.hub.load(REPO, "tiny_dcgan", source="local")
    assert torch.equal(outputs(loaded), outputs(netG)) and not loaded.training
    pair = torch.hub.load(REPO, "pretrained", folder, part="both", source="local")
    assert torch.equal(outputs(pair.netG), outputs(netG))
    with pytest.raises(RuntimeError, match="Cannot find callable"):
        torch.hub.load(REPO, "not_registered", source="local")


def test_docs_table_is_generated_from_the_registry(saved, tmp_path, monkeypatch):
    assert "No pretrained model is registered" in registry.pretrained_table_rst() or registry.PRETRAINED_MODELS
    fid = zoo.FIDRecord(value=9.876, num_fake=10000, num_real=10000, reference="fashion_mnist test", protocol="tf1",
                        inception_sha256="c" * 64, seed=0)
    register(monkeypatch, tmp_path, fid=fid, description="a tiny test model", num_classes=None)
    table = registry.pretrained_table_rst("../pretrained")
    assert "``tiny_dcgan``" in table and "9.88" in table and "10,000 generated vs 10,000 fashion_mnist test" in table
    assert ".. image:: ../pretrained/tiny/samples.png" in table and "a tiny test model" in table
    assert ".. zoo-pretrained-table" in open(os.path.join(REPO, "docs", "zoo.rst")).read()


def test_import_checkpoint_reads_our_own_format_and_refuses_unknown_formats(tmp_path):
    from torch_gan_zoo.nets import create_model

    netG, _ = create_model("dcgan", 32, ngf=8, ndf=8)
    path = netG.save_checkpoint(str(tmp_path), global_step=3)
    loaded = zoo.import_checkpoint(path)
    z = torch.randn(2, netG.nz)
    assert not loaded.training
    assert torch.equal(loaded(z), netG.eval()(z))
    with pytest.raises(ValueError, match="unknown checkpoint format 'stylegan'.*mimicry"):
        zoo.import_checkpoint(path, format="stylegan")


def test_the_same_weights_and_metadata_always_give_the_same_file_bytes(tmp_path):
    # found when the zoo model was re-made by its command: identical tensors, but safetensors wrote the metadata
    # keys in a different order, so the SHA-256 differed from the registered one
    from safetensors import safe_open

    from torch_gan_zoo.zoo.safetensors_file import (WeightsFileError, canonical_safetensors_bytes,
                                                    read_safetensors_header, write_safetensors)

    tensors = {"b.weight": torch.arange(6.0).reshape(2, 3), "a.bias": torch.ones(3, dtype=torch.float16)}
    metadata = {f"key{i}": f"value {i}" for i in range(6)}
    blobs = set()
    for i in range(8):
        shuffled = dict(sorted(metadata.items(), key=lambda kv: (hash((i, kv[0])), kv[0])))
        path = tmp_path / f"w{i}.safetensors"
        write_safetensors(path, tensors, shuffled)
        blobs.add(path.read_bytes())
    assert len(blobs) == 1
    blob = blobs.pop()
    assert canonical_safetensors_bytes(blob) == blob and (8 + int.from_bytes(blob[:8], "little")) % 8 == 0
    header, read_metadata, _ = read_safetensors_header(tmp_path / "w0.safetensors")
    assert read_metadata == metadata and set(header) == set(tensors)
    with safe_open(str(tmp_path / "w0.safetensors"), "pt") as f:  # the safetensors library still reads it
        assert f.metadata() == metadata and torch.equal(f.get_tensor("b.weight"), tensors["b.weight"])
    with pytest.raises(WeightsFileError, match="not a safetensors file"):
        canonical_safetensors_bytes(b"abc")
