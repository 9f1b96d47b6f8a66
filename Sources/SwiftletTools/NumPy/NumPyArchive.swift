/// Named arrays in order, as stored in a `.npz` file (the names are the zip
/// member names without `.npy`; `numpy.savez(f, a=x)` gives the name `"a"`).
///
///     let archive: NumPyArchive = ["weights": w, "bias": b]
///     try NumPyFile.writeArchive(archive, to: "model.npz")
///     let bias = try NumPyFile.read("model.npz")["bias"]
public struct NumPyArchive: Equatable, Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One named array.
    public struct Entry: Equatable, Sendable {
        /// The key (zip member name without `.npy`).
        public var name: String
        /// The array.
        public var array: NumPyArray

        /// Pairs a name with an array.
        public init(name: String, array: NumPyArray) {
            self.name = name
            self.array = array
        }
    }

    /// The entries in file (or insertion) order; names are unique.
    public private(set) var entries: [Entry] = []

    /// An empty archive.
    public init() {}

    /// An archive of `entries`; a later entry replaces an earlier one with the same name.
    public init(_ entries: [Entry]) {
        for entry in entries { self[entry.name] = entry.array }
    }

    /// An archive from a dictionary literal, in the literal's order.
    public init(dictionaryLiteral elements: (String, NumPyArray)...) {
        for (name, array) in elements { self[name] = array }
    }

    /// The names in order.
    public var names: [String] { entries.map(\.name) }

    /// The array named `name`. Setting a new name appends it; setting an existing name
    /// replaces the array in place; setting nil removes it.
    public subscript(name: String) -> NumPyArray? {
        get { entries.first { $0.name == name }?.array }
        set {
            let index = entries.firstIndex { $0.name == name }
            switch (index, newValue) {
            case (let index?, let array?): entries[index].array = array
            case (let index?, nil): entries.remove(at: index)
            case (nil, let array?): entries.append(Entry(name: name, array: array))
            case (nil, nil): break
            }
        }
    }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Entry { entries[position] }

    public var description: String {
        "NumPyArchive(" + entries.map { "\($0.name): \($0.array.dtype) \(NumPyShape.describe($0.array.shape))" }
            .joined(separator: ", ") + ")"
    }
}
