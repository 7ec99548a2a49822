import Foundation
import Geo
import Report
import Testing
