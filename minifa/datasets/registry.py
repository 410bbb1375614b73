"""Where each dataset of the paper comes from and how to recognise a good copy.

Every file keeps its canonical upstream name.  ``md5`` is the checksum that
upstream (or torchvision, for archive members) publishes; ``sha256`` is added
where a byte-identical copy was checked.  Layout on disk, in the data home and
in a local mirror alike: ``<root>/<folder>/<file name>``.

Datasets used by Cheon, Lee & Paik (NeurIPS 2024): MNIST, Fashion-MNIST,
Kuzushiji-MNIST, USPS (out-of-distribution test set, Fig. C.8), CIFAR-10,
CIFAR-100 and STL-10.  This module imports nothing else of minifa.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileSpec:
    """One canonical file (or one member of a canonical archive)."""
    name: str
    split: str                 # "train", "test" or "meta" (not a loadable split)
    md5: str                   # canonical md5
    sha256: str | None = None  # canonical sha256, where known
    rebuilt_ok: bool = False   # a mirror may hold a pixel- and label-exact rebuild (see verify)


@dataclass(frozen=True)
class Archive:
    """A tar.gz that upstream ships instead of single files."""
    name: str
    md5: str
    urls: tuple[str, ...]
    prefix: str                # folder of the members inside the archive


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset: its files, where they come from, what a loaded split looks like."""
    key: str                   # CLI name: data_fetch.py <key>
    folder: str                # folder in the data home and in a mirror
    title: str
    fmt: str                   # "idx", "libsvm", "cifar", "stl"
    files: tuple[FileSpec, ...]
    num_classes: int
    image_shape: tuple[int, ...]
    licence: str
    base_urls: tuple[str, ...] = ()   # for single files: primary, then mirrors
    archive: Archive | None = None
    aliases: tuple[str, ...] = field(default=())

    def split_files(self, split):
        """The FileSpecs of one split ("train", "test" or "meta"), in registry order."""
        return [f for f in self.files if f.split == split]

    @property
    def splits(self):
        """The loadable splits, e.g. ("train", "test"); "meta" files belong to none."""
        return tuple(s for s in ("train", "test") if self.split_files(s))


def _idx_files(md5, sha256=(None,) * 4):
    """The four idx files of an MNIST-like dataset: md5 (and sha256) listed in the order
    train images, train labels, test images, test labels."""
    names = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    return tuple(FileSpec(n, "train" if n.startswith("train") else "test", m, s)
                 for n, m, s in zip(names, md5, sha256))


MNIST = DatasetSpec(
    key="mnist", folder="mnist", title="MNIST", fmt="idx", num_classes=10, image_shape=(28, 28),
    licence="none stated upstream; commonly redistributed as CC BY-SA 3.0 (LeCun, Cortes, Burges)",
    base_urls=("http://yann.lecun.com/exdb/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"),
    files=_idx_files(
        ["f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432", "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"],
        ["440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"]),
)

FASHION_MNIST = DatasetSpec(
    key="fashion-mnist", folder="fashion-mnist", title="Fashion-MNIST", fmt="idx", num_classes=10,
    image_shape=(28, 28), licence="MIT (c) 2017 Zalando SE", aliases=("fashion_mnist", "fmnist"),
    base_urls=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
               "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
    files=_idx_files(
        ["8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe", "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"],
        ["3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"]),
)

KMNIST = DatasetSpec(
    key="kmnist", folder="kmnist", title="Kuzushiji-MNIST", fmt="idx", num_classes=10,
    image_shape=(28, 28), licence="CC BY-SA 4.0 (CODH; Clanuwat et al. 2018)",
    aliases=("kuzushiji-mnist",),
    base_urls=("http://codh.rois.ac.jp/kmnist/dataset/kmnist/",),
    files=_idx_files(
        ["bdb82020997e1d708af4cf47b453dcf7", "e144d726b3acfaa3e44228e80efcd344", "5c965bf0a639b31b8f53240b1b52f4d7", "7320c461ea6c1c855c0b718fb2a4b134"],
        [None, "e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17", "edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5", "20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c"]),
)

USPS = DatasetSpec(
    key="usps", folder="usps", title="USPS", fmt="libsvm", num_classes=10, image_shape=(16, 16),
    licence="none stated by any distributor (Hull 1994)",
    base_urls=("https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass/",),
    files=(
        FileSpec("usps.bz2", "train", "ec16c51db3855ca6c91edd34d0e9b197",
                 "3771e9dd6ba685185f89867b6e249233dd74652389f263963b3b741e994b034f"),
        FileSpec("usps.t.bz2", "test", "8ea070ee2aca1ac39742fdd1ef5ed118",
                 "a9c0164e797d60142a50604917f0baa604f326e9a689698763793fa5d12ffc4e"),
    ),
)

# CIFAR pickles hold per-image 'filenames'; a mirror may hold a rebuild whose pixels and
# labels are exact but whose bytes differ (rebuilt_ok): it is then verified against the
# mirror's own SHA256SUMS and by parsing, never passed off as upstream.
def _cifar(classes, archive_md5, prefix, files):
    """CIFAR-10 or CIFAR-100: one tar.gz from Toronto, python pickles inside."""
    name = f"cifar-{classes}"
    return DatasetSpec(
        key=f"cifar{classes}", folder=name, title=name.upper(), fmt="cifar", num_classes=classes,
        image_shape=(3, 32, 32), licence="none stated upstream (Krizhevsky 2009, tech. report)",
        aliases=(name,), files=files,
        archive=Archive(f"{name}-python.tar.gz", archive_md5,
                        (f"https://www.cs.toronto.edu/~kriz/{name}-python.tar.gz",), prefix))


CIFAR10 = _cifar(10, "c58f30108f718f92721af3b95e74349a", "cifar-10-batches-py", tuple(
    FileSpec(f"data_batch_{i}", "train", m, rebuilt_ok=True) for i, m in enumerate(
        ["c99cafc152244af753f735de768cd75f", "d4bba439e000b95fd0a9bffe97cbabec",
         "54ebc095f3ab1f0389bbae665268c751", "634d18415352ddfa80567beed471001a",
         "482c414d41f54cd18b22e5b47cb7c3cb"], start=1)) + (
    FileSpec("test_batch", "test", "40351d587109b95175f43aff81a1287e", rebuilt_ok=True),
    FileSpec("batches.meta", "meta", "5ff9c542aee3614f3951f8cda6e48888",
             "f962466ef690d46b226450fb9aadc74ba4bc64a76aa526b5827fe4bc5c7125cb")))

CIFAR100 = _cifar(100, "eb9058c3a382ffc7106e4002c42a8d85", "cifar-100-python", (
    FileSpec("train", "train", "16019d7e3df5f24257cddd939b257f8d", rebuilt_ok=True),
    FileSpec("test", "test", "f0ef6b0ae62326f3e7ffdfab6717acfc", rebuilt_ok=True),
    FileSpec("meta", "meta", "7973b15100ade9c7d40fb424638fde48")))

# unlabeled_X.bin (100,000 images, 2.8 GB) is not extracted: the paper does not use it.
STL10 = DatasetSpec(
    key="stl10", folder="stl10", title="STL-10", fmt="stl", num_classes=10,
    image_shape=(3, 96, 96), licence="none stated upstream (Coates, Lee, Ng, AISTATS 2011)",
    aliases=("stl-10",),
    archive=Archive("stl10_binary.tar.gz", "91f7769df0f17e558f3565bffb0c7dfb",
                    ("http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz",),
                    "stl10_binary"),
    files=(
        FileSpec("train_X.bin", "train", "918c2871b30a85fa023e0c44e0bee87f"),
        FileSpec("train_y.bin", "train", "5a34089d4802c674881badbb80307741"),
        FileSpec("test_X.bin", "test", "7f263ba9f9e0b06b93213547f721ac82"),
        FileSpec("test_y.bin", "test", "36f9794fa4beb8a2c72628de14fa638e"),
    ),
)

REGISTRY = {
    d.key: d for d in (MNIST, FASHION_MNIST, KMNIST, USPS, CIFAR10, CIFAR100, STL10)}

_ALIASES = {a: d.key for d in REGISTRY.values() for a in (d.key, d.folder, *d.aliases)}


def get_spec(name):
    """Registry entry for ``name`` (CLI key, folder name or alias); ValueError lists valid names."""
    key = _ALIASES.get(str(name).lower().strip())
    if key is None:
        raise ValueError(f"unknown dataset name {name!r}; valid names: {', '.join(REGISTRY)}")
    return REGISTRY[key]


def split_states(spec, have):
    """{split: "complete" | "partial" | "missing"}: how many of each split's files pass
    ``have(file_spec)``.  One count for both users: ``store.split_status`` (files on disk)
    and ``fetch.FetchReport`` (files a fetch obtained)."""
    out = {}
    for split in spec.splits:
        files = spec.split_files(split)
        n = sum(bool(have(f)) for f in files)
        out[split] = "complete" if n == len(files) else ("partial" if n else "missing")
    return out
