@testable import SwiftletTools
import XCTest

/// The board table (SwiftletTools/Boards) and the SVG chart writer (SwiftletTools/Charts) the demo uses.
final class BoardAndChartTests: XCTestCase {
    func testBoardFiguresAndFit() throws {
        let nano = try XCTUnwrap(Board.catalog.first { $0.name == "Arduino Nano 33 BLE Sense" })
        XCTAssertEqual(nano.flashBytes, 1_048_576)
        XCTAssertEqual(nano.ramBytes, 262_144)
        let disco = try XCTUnwrap(Board.catalog.first { $0.name == "STM32F746G-DISCO" })
        XCTAssertEqual(disco.ramBytes, 327_680)
        let pico = try XCTUnwrap(Board.catalog.first { $0.name == "Raspberry Pi Pico" })
        XCTAssertEqual(pico.flashBytes, 2_097_152)
        XCTAssertEqual(pico.ramBytes, 270_336)
        XCTAssertTrue(nano.fit(modelBytes: 300_000, arenaBytes: 100_000).fits)
        let tooMuchRAM = nano.fit(modelBytes: 300_000, arenaBytes: 262_145)
        XCTAssertFalse(tooMuchRAM.fits)
        XCTAssertGreaterThan(tooMuchRAM.ramShare, 1)
        XCTAssertFalse(nano.fit(modelBytes: 1_048_577, arenaBytes: 0).fits)
        XCTAssertTrue(pico.fit(modelBytes: 1_048_577, arenaBytes: 0).fits)
    }

    func testChartMapsDataToThePlotArea() {
        let chart = SVGLineChart(title: "a < b", xLabel: "x", yLabel: "y", series: [
            .init(name: "line", color: "#123456", points: [(0, 0), (10, 1)]),
            .init(name: "dots", color: "#abcdef", style: .dots, points: [(5, 0.5)]),
        ])
        let svg = chart.render()
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
        XCTAssertTrue(svg.contains("a &lt; b"), "text is escaped")
        // x 0…10 spans the 560 px plot from 60; y 0…1 is padded 5% and spans 310 px from 40.
        XCTAssertTrue(svg.contains("points=\"60.0,335.9 620.0,54.1\""), svg)
        XCTAssertTrue(svg.contains("<circle cx=\"340.0\" cy=\"195.0\""), svg)
        XCTAssertEqual(svg, chart.render(), "deterministic")
        XCTAssertEqual(SVGLineChart.ticks(0, 6.3), [0, 2, 4, 6])
        XCTAssertEqual(SVGLineChart.ticks(-1.1, 1.1), [-1, -0.5, 0, 0.5, 1])
    }
}
